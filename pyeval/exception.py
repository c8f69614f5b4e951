# The last line of the traceback Python would print for an exception:
# what rrpy shows when an evaluation raises. Run before driver.py, and
# alone for a watch expression that raised.
def __rrpy_exception_line(e):
    t = type(e)
    name = t.__qualname__
    if t.__module__ not in ('builtins', '__main__'):
        name = t.__module__ + '.' + name
    try:
        msg = e.msg if isinstance(e, SyntaxError) else str(e)
    except BaseException:
        msg = '<exception str() failed>'
    return name + ': ' + msg if msg else name
