//! The speech path produces real audio for a Chinese notice: espeak-ng's Mandarin voice, the one speech-dispatcher
//! uses on Linux, writes it to a file (this machine has no sound card to play to).
use linli_i18n::Lang;
use linli_speech::render_wav;

#[test]
fn a_chinese_notice_becomes_seconds_of_audible_speech() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notice.wav");
    let text = "紧急通知。停水通知：本周六上午八点到十二点，三号楼停水检修，请提前储水。";
    let info = render_wav(text, Lang::ZhCn, &path).expect("espeak-ng renders Mandarin");
    assert!(info.seconds > 3.0, "too short for the notice: {info:?}");
    assert!(info.loudness > 0.01, "silent: {info:?}");
    // Longer text takes longer to say: the voice reads the words rather than a fixed sound.
    let short = render_wav("停水", Lang::ZhCn, &dir.path().join("short.wav")).unwrap();
    assert!(short.seconds * 3.0 < info.seconds, "{short:?} vs {info:?}");
}

#[test]
fn english_is_read_with_an_english_voice() {
    let dir = tempfile::tempdir().unwrap();
    let info = render_wav(
        "Water will be off on Saturday morning in building three.",
        Lang::EnUs,
        &dir.path().join("en.wav"),
    )
    .unwrap();
    assert!(info.seconds > 2.0 && info.loudness > 0.01, "{info:?}");
}
