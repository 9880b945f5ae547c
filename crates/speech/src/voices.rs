//! Which engine voices can read which of the app's languages. Engines name languages differently
//! (speech-dispatcher with espeak-ng says "cmn" for Mandarin, Android "zh-CN", macOS "zh_CN"), so matching is by
//! the primary language subtag, case-insensitively.
use linli_i18n::Lang;

/// Whether a voice tagged `voice_lang` reads `lang`.
pub fn voice_speaks(voice_lang: &str, lang: Lang) -> bool {
    let primary = voice_lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match lang {
        // Mandarin in any script the engine offers; Cantonese ("yue") would mislead a Mandarin reader.
        Lang::ZhCn => primary == "cmn" || primary == "zh",
        Lang::EnUs => primary == "en",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mandarin_voices_are_found_under_every_engines_tag() {
        for tag in [
            "cmn",
            "CMN-LATN-PINYIN",
            "zh",
            "zh-CN",
            "zh_CN",
            "zh-Hans-CN",
        ] {
            assert!(voice_speaks(tag, Lang::ZhCn), "{tag}");
        }
    }

    #[test]
    fn other_languages_do_not_count_as_chinese_or_english() {
        for tag in ["yue", "ja", "en-US", "", "c"] {
            assert!(!voice_speaks(tag, Lang::ZhCn), "{tag}");
        }
        for tag in ["cmn", "de", "", "eo"] {
            assert!(!voice_speaks(tag, Lang::EnUs), "{tag}");
        }
        assert!(voice_speaks("en-GB", Lang::EnUs));
    }
}
