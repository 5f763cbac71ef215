// Copy the TextMate grammars from <repo>/syntaxes into this extension (editors/vscode/syntaxes),
// so the packaged .vsix is self-contained. Runs as part of `npm run compile`.
'use strict';
const fs = require('fs');
const path = require('path');

const src = path.resolve(__dirname, '..', '..', '..', 'syntaxes');
const dst = path.resolve(__dirname, '..', 'syntaxes');
const files = ['byline.tmLanguage.json', 'plaintext.tmLanguage.json'];

fs.mkdirSync(dst, { recursive: true });
for (const f of files) {
  const text = fs.readFileSync(path.join(src, f), 'utf8');
  JSON.parse(text); // fail the build on a broken grammar
  fs.writeFileSync(path.join(dst, f), text);
}
console.log(`copied ${files.join(', ')} from ${path.relative(process.cwd(), src) || '.'}`);
