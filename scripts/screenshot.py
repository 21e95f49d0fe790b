"""Log in as a demo user and take full-page screenshots of some pages with Debian's Chromium.

    .venv/bin/python scripts/screenshot.py --base http://127.0.0.1:8000 --user qualite \
        --out /tmp/shots /complaints/ /complaints/1/

Each path gives /tmp/shots/<path-as-name>.png. Paths under /public/ need no login.
"""

import argparse
import os
import re

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="qualite")
    parser.add_argument("--password", default="qualipref2015")
    parser.add_argument("--out", default="/tmp/shots")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900}, locale="fr-FR")
        if args.user:
            page.goto(f"{args.base}/accounts/login/")
            page.fill("input[name=username]", args.user)
            page.fill("input[name=password]", args.password)
            page.click("button[type=submit]")
            page.wait_for_load_state()
        for path in args.paths:
            page.goto(f"{args.base}{path}")
            page.wait_for_load_state()
            name = re.sub(r"[^a-zA-Z0-9]+", "_", path).strip("_") or "home"
            target = os.path.join(args.out, f"{name}.png")
            page.screenshot(path=target, full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
