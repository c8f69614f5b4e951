"""The main script ends with sys.exit: no uncaught exception to show."""
import sys


def main():
    x = 1
    sys.exit(3 + x - 1)


main()
