// The privacy notice's sections in reading order: `privacy-<id>-title` and `privacy-<id>` in
// locales/*/privacy.ftl. The same list as linli_core::privacy::NOTICE_SECTIONS (the CLI prints it).
export const NOTICE_SECTIONS = ["collected", "why", "staff", "device", "rights", "closure", "retention"] as const;
