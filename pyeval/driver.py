# Run by rrpy inside a throw-away copy of the program, at a stop point: it
# evaluates the user's source and leaves a report in the dict d it runs in.
# rrpy reads d['report'] (stmt flag, repr, output, exception, joined by
# NUL) and d['r'], the result, whose reference count tells whether the
# program had it before. WATCH is set by rrpy before the source is run.
def __rrpy_eval(d):
    src, frame, anchors = d['src'], d['frame'], d['anchors']
    if frame is None:
        g = {'__builtins__': __builtins__}
        g.update(anchors)
        l = g
    else:
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
            if WATCH:
                raise
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
        t = type(e)
        name = t.__qualname__
        if t.__module__ not in ('builtins', '__main__'):
            name = t.__module__ + '.' + name
        try:
            msg = e.msg if isinstance(e, SyntaxError) else str(e)
        except BaseException:
            msg = '<exception str() failed>'
        err = name + ': ' + msg if msg else name
    finally:
        if out is not None:
            sys.stdout, sys.stderr = saved
    printed = out.getvalue() if out is not None else ''
    d['report'] = '\0'.join(['1' if stmt else '0', text, printed, err])


__rrpy_eval(globals())
