#!/usr/bin/env python3
"""Checks editors/helix/languages.toml without Helix (no registry ships a Helix
binary here): parse it with tomllib and verify what Helix would do with it.

Run:  python3 editors/helix/test_languages.py      (or python3 -m unittest)
"""
import pathlib
import re
import tomllib
import unittest

HERE = pathlib.Path(__file__).resolve().parent
PATH = HERE / "languages.toml"
README = HERE / "README.md"

# Keys Helix (25.07+) accepts; its LanguageConfiguration is deny_unknown_fields,
# so a typo here would make Helix reject the whole languages.toml.
LANGUAGE_KEYS = {
    "name", "language-id", "scope", "file-types", "shebangs", "roots",
    "comment-token", "comment-tokens", "block-comment-tokens", "text-width",
    "soft-wrap", "auto-format", "formatter", "path-completion", "word-completion",
    "diagnostic-severity", "grammar", "injection-regex", "language-servers",
    "indent", "debugger", "auto-pairs", "rulers", "workspace-lsp-roots",
    "persistent-diagnostic-sources", "rainbow-brackets",
}
SERVER_KEYS = {"command", "args", "environment", "config", "timeout",
               "required-root-patterns"}
HELIX_BUILTIN_SERVERS = {"marksman"}


def server_names(lang):
    out = []
    for entry in lang.get("language-servers", []):
        out.append(entry if isinstance(entry, str) else entry["name"])
    return out


class HelixLanguagesToml(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.text = PATH.read_text(encoding="utf-8")
        cls.cfg = tomllib.loads(cls.text)
        cls.langs = {l["name"]: l for l in cls.cfg.get("language", [])}

    def test_byline_server_command(self):
        srv = self.cfg["language-server"]["byline"]
        self.assertEqual(srv["command"], "byline")
        self.assertEqual(srv["args"], ["lsp"])
        self.assertLessEqual(set(srv), SERVER_KEYS)

    def test_markdown_keeps_marksman_and_adds_byline(self):
        md = self.langs["markdown"]
        self.assertEqual(server_names(md), ["marksman", "byline"])
        # the full line, as users should copy it
        self.assertRegex(self.text, re.compile(
            r'^language-servers = \["marksman", "byline"\]$', re.M))
        # a byline.toml marks the workspace root, marksman's marker is kept
        self.assertIn("byline.toml", md.get("roots", []))
        self.assertIn(".marksman.toml", md.get("roots", []))

    def test_txt_files_attach_byline(self):
        txt = [l for l in self.langs.values() if "txt" in l.get("file-types", [])]
        self.assertEqual(len(txt), 1, "exactly one language should claim .txt")
        lang = txt[0]
        self.assertIn("byline", server_names(lang))
        self.assertEqual(lang.get("language-id"), "plaintext")
        # a new language (not one of Helix's defaults) needs these
        for key in ("name", "scope", "file-types"):
            self.assertIn(key, lang)
        self.assertNotEqual(lang["name"], "markdown")

    def test_only_known_keys_and_servers(self):
        names = [l["name"] for l in self.cfg["language"]]
        self.assertEqual(len(names), len(set(names)), "duplicate [[language]]")
        defined = set(self.cfg.get("language-server", {})) | HELIX_BUILTIN_SERVERS
        for lang in self.cfg["language"]:
            unknown = set(lang) - LANGUAGE_KEYS
            self.assertFalse(unknown, f"{lang['name']}: unknown keys {unknown}")
            for s in server_names(lang):
                self.assertIn(s, defined, f"{lang['name']}: undefined server {s}")

    def test_readme_mentions_trust_and_hover(self):
        text = README.read_text(encoding="utf-8")
        self.assertIn("workspace-trust", text)
        self.assertIn("space k", text)


if __name__ == "__main__":
    import sys
    result = unittest.TextTestRunner(verbosity=2).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(HelixLanguagesToml))
    bad = len(result.failures) + len(result.errors)
    print(f"helix: {result.testsRun - bad} passed, {bad} failed")
    sys.exit(1 if bad or not result.testsRun else 0)
