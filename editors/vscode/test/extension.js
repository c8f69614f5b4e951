'use strict';
// What VS Code gets from the extension: run against a stand-in for the
// `vscode` module, which only VS Code provides.
//
//   node test/extension.js DIR
//
// DIR holds the extension's extension.js: the source directory, or the
// extension/ folder of an unpacked .vsix (as cmd/rrpy/dap_vscode_test.go
// runs it).

const assert = require('node:assert/strict');
const Module = require('node:module');
const path = require('node:path');

const dir = process.argv[2];
if (!dir) {
	console.error('usage: node test/extension.js DIR');
	process.exit(2);
}

// The stand-in keeps what the extension registers and lets each case set
// the settings and the editor.
const registered = { factories: {}, providers: [] };
const state = { settings: {}, editor: undefined, folder: '/home/user/project' };
const vscode = {
	DebugConfigurationProviderTriggerKind: { Initial: 1, Dynamic: 2 },
	DebugAdapterExecutable: class {
		constructor(command, args, options) {
			Object.assign(this, { command, args, options });
		}
	},
	debug: {
		registerDebugAdapterDescriptorFactory(type, factory) {
			registered.factories[type] = factory;
			return { dispose() {} };
		},
		registerDebugConfigurationProvider(type, provider, trigger) {
			registered.providers.push({ type, provider, trigger: trigger || vscode.DebugConfigurationProviderTriggerKind.Initial });
			return { dispose() {} };
		},
	},
	workspace: {
		getConfiguration(section) {
			return { get: (key) => state.settings[`${section}.${key}`] };
		},
		asRelativePath: (p) => path.relative(state.folder, p),
	},
	window: {
		get activeTextEditor() {
			return state.editor;
		},
	},
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
	return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

const extension = require(path.resolve(dir, 'extension.js'));
const context = { subscriptions: [] };
extension.activate(context);

const editorOf = (file, languageId) => ({ document: { uri: { fsPath: file }, languageId, isUntitled: false } });
const latest = { type: 'rrpy', request: 'launch', name: 'rrpy: open the latest recording' };
const recordApp = {
	type: 'rrpy', request: 'launch', name: 'rrpy: record src/app.py then debug it',
	program: '/home/user/project/src/app.py',
};

// The adapter: `rrpy dap` in the session's folder; rrpy.path names
// another rrpy.
const factory = registered.factories.rrpy;
assert.ok(factory, 'no debug adapter factory for rrpy');
const session = { workspaceFolder: { uri: { fsPath: state.folder } } };
assert.deepEqual({ ...factory.createDebugAdapterDescriptor(session) },
	{ command: 'rrpy', args: ['dap'], options: { cwd: '/home/user/project' } });
state.settings['rrpy.path'] = '/opt/rrpy/bin/rrpy';
assert.deepEqual({ ...factory.createDebugAdapterDescriptor({}) },
	{ command: '/opt/rrpy/bin/rrpy', args: ['dap'], options: undefined });

// F5 without a launch.json: the Python file being edited is recorded;
// without one, the latest recording opens. A launch.json's configuration
// goes as it is.
const initial = registered.providers.find((p) => p.provider.resolveDebugConfiguration);
assert.equal(initial.type, 'rrpy');
assert.deepEqual(initial.provider.resolveDebugConfiguration(undefined, {}), latest);
state.editor = editorOf('/home/user/project/README.md', 'markdown');
assert.deepEqual(initial.provider.resolveDebugConfiguration(undefined, {}), latest);
state.editor = editorOf('/home/user/project/src/app.py', 'python');
assert.deepEqual(initial.provider.resolveDebugConfiguration(undefined, {}), recordApp);
const mine = { type: 'rrpy', request: 'launch', name: 'mine', trace: '/tmp/trace' };
assert.deepEqual(initial.provider.resolveDebugConfiguration(undefined, { ...mine }), mine);

// The Run and Debug view's list (dynamic configurations).
const dynamic = registered.providers.find((p) => p.trigger === vscode.DebugConfigurationProviderTriggerKind.Dynamic);
assert.equal(dynamic.type, 'rrpy');
assert.deepEqual(dynamic.provider.provideDebugConfigurations(undefined), [recordApp, latest]);
state.editor = undefined;
assert.deepEqual(dynamic.provider.provideDebugConfigurations(undefined), [latest]);

assert.equal(context.subscriptions.length, 3, 'everything registered is disposed of with the extension');
console.log('rrpy extension: the VS Code stand-in checks passed');
