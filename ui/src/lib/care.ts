// Care mode (关怀模式) and the text size are display settings kept in the profile, so they survive restarts and
// apply before anything else is drawn. Same data, same sync: only the presentation changes.
import { api } from "./api";
import { ui } from "./state.svelte";

export const CARE_SETTING = "care_mode";
export const TEXT_SIZE_SETTING = "text_size";

/** Loads both settings into `ui`; care mode stays `null` on a first launch so the choice is offered. */
export async function loadDisplaySettings(): Promise<void> {
  const [size, care] = await Promise.all([api.getSetting(TEXT_SIZE_SETTING), api.getSetting(CARE_SETTING)]);
  if (size) ui.textSize = Number(size) || 2;
  ui.care = care === "on" ? true : care === "off" ? false : null;
}

export async function setCare(on: boolean): Promise<void> {
  ui.care = on;
  await api.setSetting(CARE_SETTING, on ? "on" : "off");
}

/** Asks the shell once per language whether a voice exists; the read-aloud button shows only then. */
export async function refreshSpeech(): Promise<void> {
  try {
    ui.speech = await api.readAloudAvailable();
  } catch {
    ui.speech = false;
  }
}
