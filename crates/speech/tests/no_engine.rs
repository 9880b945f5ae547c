//! Where the platform has no speech service, connecting fails plainly, so the app hides its read-aloud button
//! instead of showing one that does nothing. (Its own test binary: it changes this process's environment.)
use linli_speech::Speaker;

#[test]
fn an_unreachable_engine_is_an_error_not_a_silent_speaker() {
    // speech-dispatcher's client takes its address from the environment: point it where nothing listens.
    std::env::set_var(
        "SPEECHD_ADDRESS",
        "unix_socket:/nonexistent/linli-speechd.sock",
    );
    let result = Speaker::system();
    if cfg!(target_os = "linux") {
        assert!(
            result.is_err(),
            "connected to a speech engine that does not exist"
        );
    }
}
