import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  engineSettingsOf,
  isOpenableSource,
  openableSourceOf,
  originOf,
  sourceLabel,
  sourceLink,
  withOrigin,
} from '../../../src/generation/origin';
import { scriptLines } from '../../../src/generation/sample-script';

describe('generation origin', () => {
  const document = { uri: 'file:///home/a/My%20Script.md', startLine: 4, startCharacter: 2, endLine: 6, endCharacter: 10 };

  test('is kept beside the engine settings and read back apart from them', () => {
    const settings = withOrigin({ speed: 1, skip: undefined }, { document, seed: 'random', regeneratedFrom: undefined });
    assert.deepEqual(settings, { speed: 1, origin: { document, seed: 'random' } });
    assert.deepEqual(originOf({ settings }), { document, seed: 'random' });
    assert.deepEqual(engineSettingsOf({ settings }), { speed: 1 });
    assert.deepEqual(withOrigin({ speed: 1 }, {}), { speed: 1 });
    assert.equal(originOf({ settings: null }), undefined);
    assert.equal(originOf({ settings: { origin: 'garbage' } }), undefined, 'a damaged origin is ignored, not thrown');
  });

  test('labels and links the source lines 1-based', () => {
    assert.equal(sourceLabel(document), 'My Script.md:5-7');
    assert.equal(sourceLabel({ ...document, endLine: 4 }), 'My Script.md:5');
    // A whole-line selection ends at the start of the next line: that line is not part of it.
    assert.equal(sourceLabel({ ...document, endLine: 5, endCharacter: 0 }), 'My Script.md:5');
    assert.equal(sourceLink(document), 'file:///home/a/My%20Script.md#L5');
    assert.equal(sourceLabel({ ...document, uri: 'untitled:Untitled-1' }), 'untitled:Untitled-1:5-7');
  });

  test("can be opened only from this machine's documents or its remote (imported data may name any URI)", () => {
    for (const uri of ['file:///home/a/x.md', 'untitled:Untitled-1', 'vscode-remote://ssh-remote+box/home/a/x.md', 'FILE:///C:/x.md']) {
      assert.ok(isOpenableSource({ ...document, uri }), uri);
    }
    for (const uri of [
      'command:workbench.action.reloadWindow',
      'https://example.com/x',
      'vscode://some.extension/run',
      'javascript:alert(1)',
      '/home/a/x.md',
      '',
    ]) {
      assert.ok(!isOpenableSource({ ...document, uri }), uri);
    }
    assert.deepEqual(openableSourceOf({ settings: withOrigin({}, { document }) }), document);
    assert.equal(openableSourceOf({ settings: withOrigin({}, { document: { ...document, uri: 'command:x' } }) }), undefined);
  });
});

describe('sample script lines', () => {
  test('are the lines of the last paragraph, headings left out', () => {
    const text = '# Title\n\nHow to use this file,\nover two lines.\n\nFirst line.\r\nSecond line.\n# not spoken\nThird line.\n\n';
    assert.deepEqual(scriptLines(text), [
      { line: 5, text: 'First line.' },
      { line: 6, text: 'Second line.' },
      { line: 8, text: 'Third line.' },
    ]);
    assert.deepEqual(scriptLines(text, 1), [{ line: 5, text: 'First line.' }]);
    assert.deepEqual(scriptLines(''), []);
  });
});
