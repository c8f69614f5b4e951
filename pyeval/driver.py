# Run by rrpy inside a throw-away copy of the program, at a stop point: it
# evaluates the user's source and leaves a report in the dict d it runs in.
# rrpy reads d['report'] (stmt flag, repr, output, exception, joined by
# NUL) and d['r'], the result, whose reference count tells whether the
# program had it before. exception.py's function is defined ahead of it.
def __rrpy_eval(d):
    src, frame, anchors = d['src'], d['frame'], d['anchors']
    g, l = frame.f_globals, frame.f_locals
    frame.f_builtins.update(anchors)
    try:
        # As the interpreter shuts down, even these imports fail: the
        # source then runs with the program's own stdout and stderr (rrpy
        # captures what reaches fds 1 and 2).
        import sys, io
        out = io.StringIO()
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = out
    except BaseException:
        sys = out = None
    stmt, text, err = False, '', ''
    try:
        try:
            code = compile(src, '<rrpy>', 'eval')
        except SyntaxError:
            code = compile(src + '\n', '<rrpy>', 'single')
            stmt = True
        r = eval(code, g, l)
        del code
        if not stmt:
            d['r'] = r
            text = repr(r)
        del r
    except BaseException as e:
        d.pop('r', None)
        err = __rrpy_exception_line(e)
    finally:
        if out is not None:
            sys.stdout, sys.stderr = saved
    printed = out.getvalue() if out is not None else ''
    d['report'] = '\0'.join(['1' if stmt else '0', text, printed, err])


__rrpy_eval(globals())
