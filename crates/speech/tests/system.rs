//! The platform engine as the app uses it. On Linux that is speech-dispatcher, which `./dev test` installs with
//! espeak-ng's Mandarin voice; set LINLI_REQUIRE_SPEECH=1 (as `./dev test` does) to make its absence a failure
//! rather than a skip.
use linli_i18n::Lang;
use linli_speech::Speaker;

fn required() -> bool {
    std::env::var("LINLI_REQUIRE_SPEECH").is_ok_and(|v| v == "1")
}

#[test]
fn the_platform_engine_has_a_mandarin_voice_and_accepts_a_notice() {
    let speaker = match Speaker::system() {
        Ok(s) => s,
        Err(e) if !required() => {
            eprintln!(
                "skipped: no speech engine here ({e}); LINLI_REQUIRE_SPEECH=1 makes this a failure"
            );
            return;
        }
        Err(e) => panic!("no speech engine: {e}"),
    };
    assert!(speaker.has_voice(Lang::ZhCn), "no Mandarin voice");
    assert!(speaker.has_voice(Lang::EnUs), "no English voice");
    speaker
        .speak("社区通知：明天上午停水。", Lang::ZhCn)
        .expect("speech-dispatcher accepts the text");
    speaker.stop().expect("and stops");
}
