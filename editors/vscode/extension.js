'use strict';
// The rrpy debug type: VS Code runs `rrpy dap`, rrpy's debug adapter, on
// stdin and stdout; everything else (breakpoints, stepping back, data
// breakpoints) is the adapter's. This file only says how to start it and
// what to launch when there is no launch.json.

const vscode = require('vscode');

function activate(context) {
	context.subscriptions.push(
		vscode.debug.registerDebugAdapterDescriptorFactory('rrpy', { createDebugAdapterDescriptor }),
		vscode.debug.registerDebugConfigurationProvider('rrpy', { resolveDebugConfiguration }),
		vscode.debug.registerDebugConfigurationProvider('rrpy', { provideDebugConfigurations },
			vscode.DebugConfigurationProviderTriggerKind.Dynamic),
	);
}

// createDebugAdapterDescriptor starts `rrpy dap` in the session's
// workspace folder, so that a relative trace or program in launch.json
// means what it says in that folder.
function createDebugAdapterDescriptor(session) {
	const rrpy = vscode.workspace.getConfiguration('rrpy').get('path') || 'rrpy';
	const folder = session.workspaceFolder;
	return new vscode.DebugAdapterExecutable(rrpy, ['dap'], folder ? { cwd: folder.uri.fsPath } : undefined);
}

// resolveDebugConfiguration fills the empty configuration VS Code passes
// when F5 is pressed without a launch.json.
function resolveDebugConfiguration(folder, config) {
	if (config.type || config.request || config.name) {
		return config;
	}
	return defaultConfigurations()[0];
}

// provideDebugConfigurations lists what "Run and Debug" offers for rrpy
// without a launch.json.
function provideDebugConfigurations() {
	return defaultConfigurations();
}

// defaultConfigurations: with a Python file open, record it then debug it
// first; opening the latest recording always.
function defaultConfigurations() {
	const latest = { type: 'rrpy', request: 'launch', name: 'rrpy: open the latest recording' };
	const editor = vscode.window.activeTextEditor;
	if (!editor || editor.document.languageId !== 'python' || editor.document.isUntitled) {
		return [latest];
	}
	const file = editor.document.uri.fsPath;
	const record = {
		type: 'rrpy', request: 'launch', name: `rrpy: record ${vscode.workspace.asRelativePath(file)} then debug it`,
		program: file,
	};
	return [record, latest];
}

function deactivate() {}

module.exports = { activate, deactivate };
