#!/usr/bin/env python3
"""Checks the resident app's desktop entry, as the .deb will carry it.

Without an argument: renders src-tauri/linux/linli.desktop (the `desktopTemplate` of
tauri.conf.json) with the values Tauri's bundler gives it, taken from tauri.conf.json, so the
check needs no `cargo tauri build`. With a path: checks that desktop file (`./dev deb` passes the
one inside the built package). Either way the entry must pass `desktop-file-validate`
(desktop-file-utils), show 邻里 to Chinese users and register the linli: scheme for join links.
"""
import json
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONF = ROOT / "src-tauri" / "tauri.conf.json"


def render(template: str, values: dict) -> str:
    """The subset of Handlebars the template may use: {{name}} and {{#if name}}…{{/if}}."""

    def if_block(m):
        return m.group(2) if values.get(m.group(1)) else ""

    out = re.sub(r"\{\{#if (\w+)\}\}\n?(.*?)\{\{/if\}\}\n?", if_block, template, flags=re.S)

    def var(m):
        if m.group(1) not in values:
            sys.exit(f"check-app-desktop: the template uses {{{{{m.group(1)}}}}}, which the bundler does not give")
        return values[m.group(1)] or ""

    out = re.sub(r"\{\{(\w+)\}\}", var, out)
    if "{{" in out:
        sys.exit("check-app-desktop: the template uses Handlebars beyond {{var}} and {{#if}}: extend this check")
    return out


def rendered_from_config() -> str:
    conf = json.loads(CONF.read_text(encoding="utf-8"))
    bundle = conf["bundle"]
    template = bundle["linux"]["deb"]["desktopTemplate"]
    # What tauri-bundler (linux/freedesktop) passes: the category's freedesktop list ends with ';'.
    categories = {"Utility": "Utility;", "Productivity": "Office;", "SocialNetworking": "Network;"}
    binary = conf["mainBinaryName"]
    values = {
        "categories": categories[bundle["category"]],
        "comment": bundle.get("shortDescription"),
        "exec": f'"{binary}"' if " " in binary else binary,
        "icon": binary,
        "name": conf["productName"],
        "mime_type": None,
        "long_description": bundle.get("longDescription", ""),
    }
    return render((CONF.parent / template).read_text(encoding="utf-8"), values)


def entries(text: str) -> dict:
    group, found = None, {}
    for line in text.splitlines():
        if line.startswith("["):
            group = line.strip("[]")
        elif "=" in line and group == "Desktop Entry":
            k, v = line.split("=", 1)
            found[k.strip()] = v.strip()
    return found


def main() -> None:
    if len(sys.argv) > 1:
        path = pathlib.Path(sys.argv[1])
        text = path.read_text(encoding="utf-8")
    else:
        text = rendered_from_config()
        tmp = tempfile.NamedTemporaryFile("w", suffix=".desktop", delete=False, encoding="utf-8")
        tmp.write(text)
        tmp.close()
        path = pathlib.Path(tmp.name)
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    if len(sys.argv) == 1:
        path.unlink()
    problems = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or problems:
        print(text)
        sys.exit(f"check-app-desktop: desktop-file-validate refuses the entry:\n{problems}")
    e = entries(text)
    want = {"Name[zh_CN]": "邻里", "Type": "Application"}
    for k, v in want.items():
        if e.get(k) != v:
            sys.exit(f"check-app-desktop: {k} is {e.get(k)!r}, not {v!r}")
    if "x-scheme-handler/linli" not in e.get("MimeType", "").split(";"):
        sys.exit("check-app-desktop: MimeType does not register x-scheme-handler/linli (join links)")
    if not re.search(r"%[uU]\b", e.get("Exec", "")):
        sys.exit("check-app-desktop: Exec= takes no %u, so a join link would not reach the app")
    print(f"check-app-desktop: {path.name if len(sys.argv) > 1 else 'the rendered template'} is valid: "
          f"Name={e['Name']}, Name[zh_CN]={e['Name[zh_CN]']}, MimeType={e['MimeType']}, Exec={e['Exec']}")


if __name__ == "__main__":
    main()
