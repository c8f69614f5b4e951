# Run by rrpy inside a throw-away copy of the program after its main
# script died of an exception: the interpreter has kept the exception in
# sys (to print it) and its traceback ends in the frame that raised it.
# report is "CODE\0LINE\0LEVELS\0LAST LINE OF THE TRACEBACK", or "" when
# there is no such exception. exception.py's function is defined ahead of
# it.
def __rrpy_uncaught():
    import sys
    e = getattr(sys, 'last_exc', None) or getattr(sys, 'last_value', None)
    tb = getattr(e, '__traceback__', None)
    if tb is None:
        return ''
    levels = 1
    while tb.tb_next is not None:
        tb, levels = tb.tb_next, levels + 1
    return '\0'.join([str(id(tb.tb_frame.f_code)), str(tb.tb_lineno), str(levels), __rrpy_exception_line(e)])


report = __rrpy_uncaught()
