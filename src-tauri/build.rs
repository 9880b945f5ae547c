//! Declares the app's own commands so capabilities can allow exactly those (see capabilities/default.json).
fn main() {
    let manifest = tauri_build::AppManifest::new().commands(linli_commands::NAMES);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build step");
}

mod linli_commands {
    include!("src/commands/names.rs");
}
