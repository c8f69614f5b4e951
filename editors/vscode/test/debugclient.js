'use strict';
// Debug sessions over `rrpy dap`, driven by VS Code's own DAP test client
// (@vscode/debugadapter-testsupport's DebugClient): what VS Code sends and
// insists on, over testdata/py/seed_demo.py.
//
//   node test/debugclient.js RRPY TRACE SOURCE PYTHON
//
// RRPY is the rrpy executable, TRACE a recording of SOURCE (seed_demo.py)
// made with PYTHON. The first session travels in TRACE through
// `rrpy dap --listen 127.0.0.1:0`, as when an editor attaches to a running
// rrpy. The next two start `rrpy dap` on stdin and stdout as the extension
// does, with the extension's launch configurations: record a program,
// then open the latest recording. The Go test
// cmd/rrpy/dap_vscode_test.go runs this script.

const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

// How long one step (a request and the events it causes) may take.
const STEP_TIMEOUT_MS = 60_000;

const [rrpyPath, tracePath, source, python] = process.argv.slice(2);
if (!rrpyPath || !tracePath || !source || !python) {
	console.error('usage: node test/debugclient.js RRPY TRACE SOURCE PYTHON');
	process.exit(2);
}
const sourcePath = path.resolve(source);

// seed_demo.py's lines, as a user sees them.
const BUMP = 7; // lst1[50].value += 1
const LOOP = 8; // for x in lst1:
const INC = 9; //     x.value += 1
const CHECK = 12; //     if x.value != 6:
const EXIT = 14; //         os._exit(1)

// The adapters this script started itself (--listen): killed when it
// exits, whatever happens, and their replays with them. Those on stdin and
// stdout are the DebugClient's, and end when their stdin closes.
const adapters = new Set();
process.on('exit', () => adapters.forEach((a) => a.kill('SIGKILL')));

// step runs one user action, with a time-out (the DebugClient has none
// over a socket), and names it when it fails.
async function step(what, fn) {
	let timer;
	const timeout = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer in ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
	});
	try {
		return await Promise.race([fn(), timeout]);
	} catch (err) {
		console.error(`step failed: ${what}`);
		throw err;
	} finally {
		clearTimeout(timer);
	}
}

// user wraps a DebugClient with what a user does and sees. As in VS Code,
// requests name the thread of the last stopped event and the frames of
// the last stack trace.
function user(dc) {
	const u = {
		thread: 0,
		frame: 0,
		async location() {
			const st = await dc.stackTraceRequest({ threadId: u.thread, startFrame: 0, levels: 20 });
			const top = st.body.stackFrames[0];
			assert.equal(top.name, '<module>');
			assert.equal(top.source.path, sourcePath);
			u.frame = top.id;
			return top;
		},
		// move sends a request that moves in time and checks where and why
		// the session stopped. The stopped event can come before the
		// response: the wait starts first.
		async move(what, request, reason, line) {
			const stopped = dc.waitForEvent('stopped');
			await request();
			const ev = await stopped;
			u.thread = ev.body.threadId;
			assert.equal(ev.body.reason, reason, `${what}: stop reason (${ev.body.description})`);
			const top = await u.location();
			assert.equal(top.line, line, `${what}: stopped at line ${top.line} (${ev.body.description})`);
			return ev;
		},
		async evaluate(expression, context) {
			return (await dc.evaluateRequest({ expression, frameId: u.frame, context })).body.result;
		},
		// launch opens a recording and says configurationDone with the
		// breakpoints given, as VS Code does; the session stops at the entry.
		async launch(args, breakpoints) {
			const init = await dc.initializeRequest();
			const initialized = dc.waitForEvent('initialized');
			await dc.launchRequest(args);
			await initialized;
			const bps = await dc.setBreakpointsRequest({ source: { path: sourcePath }, breakpoints });
			await u.move('entry', () => dc.configurationDoneRequest(), 'entry', 1);
			return { capabilities: init.body, breakpoints: bps.body.breakpoints };
		},
	};
	return u;
}

// output gathers a session's output events, by category.
function output(dc) {
	const seen = {};
	dc.on('output', (ev) => {
		seen[ev.body.category] = (seen[ev.body.category] || '') + ev.body.output;
	});
	return seen;
}

// startListening runs `rrpy dap --listen 127.0.0.1:0` and resolves to
// its port once it says where it listens.
function startListening() {
	const adapter = cp.spawn(rrpyPath, ['dap', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'inherit', 'pipe'] });
	adapters.add(adapter);
	const exited = new Promise((resolve) => adapter.on('exit', (code, signal) => resolve(signal || code)));
	let stderr = '';
	const port = new Promise((resolve, reject) => {
		adapter.stderr.on('data', (data) => {
			process.stderr.write(data); // rrpy's own messages, for a failure
			stderr += data;
			const m = /rrpy: debug adapter listening at 127\.0\.0\.1:(\d+)\n/.exec(stderr);
			if (m) {
				resolve(Number(m[1]));
			}
		});
		adapter.on('error', reject);
		exited.then((status) => reject(new Error(`rrpy dap ended before listening (${status}): ${stderr}`)));
	});
	return { port, exited };
}

// travel goes through the recording backwards and forwards: breakpoints
// with a condition, variables, evaluate, step back, reverse continue, a
// data breakpoint hit backward, goto.
async function travel() {
	const { port, exited } = startListening();
	const dc = new DebugClient('rrpy', 'dap', 'rrpy');
	await step('connect', async () => dc.start(await port));
	const u = user(dc);
	const ids = {};

	await step('launch the recording with a conditional breakpoint', async () => {
		const { capabilities, breakpoints } = await u.launch({ trace: tracePath },
			[{ line: INC, condition: 'x.value == 6' }]);
		for (const cap of ['supportsStepBack', 'supportsConditionalBreakpoints', 'supportsDataBreakpoints',
			'supportsGotoTargetsRequest', 'supportsConfigurationDoneRequest']) {
			assert.equal(capabilities[cap], true, cap);
		}
		assert.deepEqual(breakpoints.map((b) => [b.line, b.verified]), [[INC, true]]);
		ids.inc = breakpoints[0].id;
		const threads = await dc.threadsRequest();
		assert.deepEqual(threads.body.threads, [{ id: u.thread, name: `main thread ${u.thread}` }]);
	});

	await step('continue to the breakpoint where x.value == 6', async () => {
		const ev = await u.move('continue', () => dc.continueRequest({ threadId: u.thread }), 'breakpoint', INC);
		assert.deepEqual(ev.body.hitBreakpointIds, [ids.inc]);
		assert.match(ev.body.description, /^time \d+$/);
	});

	const expandX = async () => {
		const scopes = await dc.scopesRequest({ frameId: u.frame });
		assert.equal(scopes.body.scopes[0].name, 'Locals');
		const vars = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
		const x = vars.body.variables.find((v) => v.name === 'x');
		assert.ok(x, `no x among ${vars.body.variables.map((v) => v.name)}`);
		return x;
	};
	await step('expand x in the Variables view', async () => {
		const x = await expandX();
		assert.match(x.value, /^<__main__\.Foo object at 0x[0-9a-f]+>$/);
		assert.ok(x.variablesReference > 0, 'x expands');
		const kids = await dc.variablesRequest({ variablesReference: x.variablesReference });
		assert.deepEqual(kids.body.variables.map((v) => [v.name, v.value, v.evaluateName]), [['value', '6', 'x.value']]);
	});

	await step('evaluate in a watch, a hover and the Debug Console', async () => {
		assert.equal(await u.evaluate('x.value', 'watch'), '6');
		assert.equal(await u.evaluate('lst1.index(x)', 'hover'), '50');
		assert.match(await u.evaluate('x', 'repl'), /^\$\d+ = <__main__\.Foo object at 0x[0-9a-f]+>$/);
		await assert.rejects(dc.evaluateRequest({ expression: 'nosuchname', frameId: u.frame, context: 'watch' }), /NameError/);
	});

	await step('step back to the loop, over the previous item', async () => {
		await u.move('stepBack', () => dc.stepBackRequest({ threadId: u.thread }), 'step', LOOP);
		assert.equal(await u.evaluate('lst1.index(x)', 'watch'), '49');
	});

	// A condition holds or not in either direction: going back from the
	// 50th item, the 45th is the first where it holds.
	await step('reverse continue to a conditional breakpoint', async () => {
		const bps = await dc.setBreakpointsRequest({
			source: { path: sourcePath },
			breakpoints: [{ line: INC, condition: 'lst1.index(x) == 45' }],
		});
		const ev = await u.move('reverseContinue', () => dc.reverseContinueRequest({ threadId: u.thread }), 'breakpoint', INC);
		assert.deepEqual(ev.body.hitBreakpointIds, [bps.body.breakpoints[0].id]);
		assert.equal(await u.evaluate('lst1.index(x)', 'watch'), '45');
	});

	await step('reverse continue to an earlier breakpoint', async () => {
		const bps = await dc.setBreakpointsRequest({ source: { path: sourcePath }, breakpoints: [{ line: BUMP }] });
		assert.deepEqual(bps.body.breakpoints.map((b) => [b.line, b.verified]), [[BUMP, true]]);
		const ev = await u.move('reverseContinue', () => dc.reverseContinueRequest({ threadId: u.thread }), 'breakpoint', BUMP);
		assert.deepEqual(ev.body.hitBreakpointIds, [bps.body.breakpoints[0].id]);
		assert.equal(await u.evaluate('lst1[50].value', 'watch'), '5');
	});

	await step('continue to the breakpoint where x.value == 6 again', async () => {
		await dc.setBreakpointsRequest({ source: { path: sourcePath }, breakpoints: [{ line: INC, condition: 'x.value == 6' }] });
		await u.move('continue', () => dc.continueRequest({ threadId: u.thread }), 'breakpoint', INC);
		assert.equal(await u.evaluate('lst1.index(x)', 'watch'), '50');
	});

	await step('break when x.value changes, backward', async () => {
		const x = await expandX();
		const info = await dc.dataBreakpointInfoRequest({ variablesReference: x.variablesReference, name: 'value' });
		assert.match(info.body.dataId, /^\$\d+\.value$/);
		assert.deepEqual(info.body.accessTypes, ['write']);
		const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId }] });
		assert.equal(set.body.breakpoints[0].verified, true, set.body.breakpoints[0].message);
		await dc.setBreakpointsRequest({ source: { path: sourcePath }, breakpoints: [] });
		const ev = await u.move('reverseContinue', () => dc.reverseContinueRequest({ threadId: u.thread }), 'data breakpoint', BUMP);
		assert.equal(ev.body.description.replace(/\(time \d+\)$/, '(time T)'), `${info.body.dataId} changed (time T)`);
		assert.deepEqual(ev.body.hitBreakpointIds, [set.body.breakpoints[0].id]);
		assert.equal(await u.evaluate('lst1[50].value', 'watch'), '5');
		await dc.setDataBreakpointsRequest({ breakpoints: [] });
	});

	// Jump to Cursor: VS Code lists the targets, the user picks one.
	const jump = async (line, when) => {
		const targets = await dc.gotoTargetsRequest({ source: { path: sourcePath }, line });
		const target = targets.body.targets.find((t) => t.label.endsWith(`(${when})`));
		assert.ok(target, `no ${when} target among ${JSON.stringify(targets.body.targets)}`);
		assert.equal(target.line, line);
		await u.move('goto', () => dc.gotoRequest({ threadId: u.thread, targetId: target.id }), 'goto', line);
	};
	await step('jump forward to the first check', async () => {
		await jump(CHECK, 'later');
		assert.equal(await u.evaluate('lst1.index(x)', 'watch'), '0');
	});
	await step('jump back to the last increment', async () => {
		await jump(INC, 'earlier');
		assert.equal(await u.evaluate('lst1.index(x)', 'watch'), '99');
	});

	await step('disconnect', async () => {
		await dc.disconnectRequest({});
		assert.equal(await exited, 0, 'rrpy dap exit status after disconnect');
	});
}

// startStdio starts `rrpy dap` on stdin and stdout, as VS Code runs the
// extension's DebugAdapterExecutable, with its own data directory; its
// stderr shows in this script's output.
async function startStdio(dataHome) {
	const dc = new DebugClient(rrpyPath, 'dap', 'rrpy', { env: { ...process.env, XDG_DATA_HOME: dataHome } }, true);
	dc.defaultTimeout = STEP_TIMEOUT_MS;
	await dc.start();
	return dc;
}

// vscodeLaunch is a launch configuration as VS Code sends it: the
// extension's, and VS Code's own fields.
function vscodeLaunch(config) {
	return { type: 'rrpy', request: 'launch', ...config, __configurationTarget: 6, __sessionId: '9d4e2d4c-0000-4000-8000-000000000000' };
}

// record launches the extension's "record a program then debug it"
// configuration and runs to the end, where the program's output has
// shown, and past it.
async function record(dataHome) {
	const dc = await startStdio(dataHome);
	const u = user(dc);
	const seen = output(dc);
	await step('launch: record the program', async () => {
		await u.launch(vscodeLaunch({
			name: 'rrpy: record a program then debug it',
			program: sourcePath, args: [], python, cwd: path.dirname(sourcePath),
		}), []);
		assert.match(seen.stderr, /^rrpy: recording .*seed_demo\.py\n/m);
		assert.match(seen.stderr, /^rrpy: recorded into .* \(the program's exit status: 1\)\n/m);
		assert.equal(seen.stdout, undefined, 'nothing printed before the first line ran');
	});
	await step('continue to the end of the recording', async () => {
		const ev = await u.move('continue', () => dc.continueRequest({ threadId: u.thread }), 'continue', EXIT);
		assert.match(ev.body.description, /^an end of the recording \(time \d+\)$/);
		assert.equal(seen.stdout, 'oops!\n');
	});
	await step('continue past the end', async () => {
		const terminated = dc.waitForEvent('terminated');
		await dc.continueRequest({ threadId: u.thread });
		await terminated;
	});
	await step('disconnect', () => dc.stop());
}

// latest launches the extension's default configuration, no trace and no
// program: the recording just made. The Stop button ends it: terminate,
// then disconnect.
async function latest(dataHome) {
	const dc = await startStdio(dataHome);
	const u = user(dc);
	await step('launch: the latest recording', async () => {
		const { breakpoints } = await u.launch(vscodeLaunch({ name: 'rrpy: open the latest recording' }), [{ line: BUMP }]);
		assert.equal(breakpoints[0].verified, true, breakpoints[0].message);
		await u.move('continue', () => dc.continueRequest({ threadId: u.thread }), 'breakpoint', BUMP);
	});
	await step('stop', async () => {
		const terminated = dc.waitForEvent('terminated');
		await dc.terminateRequest({});
		await terminated;
		await dc.stop();
	});
}

async function main() {
	await travel();
	const dataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'rrpy-vscode-'));
	try {
		await record(dataHome);
		await latest(dataHome);
	} finally {
		fs.rmSync(dataHome, { recursive: true, force: true });
	}
}

// Exit at once either way: after a failure, the adapters and sockets would
// keep node waiting.
main().then(() => {
	console.log('rrpy dap: the VS Code DebugClient sessions passed');
	process.exit(0);
}, (err) => {
	console.error(err);
	process.exit(1);
});
