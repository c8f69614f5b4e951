"""history's third program: an attribute changed in a called function,
through another name, in an except block, and between a generator's
yields."""


class Account:
    def __init__(self):
        self.balance = 0


def deposit(acct, n):
    acct.balance += n


def spend(acct):
    for i in range(3):
        acct.balance -= 1
        yield i


acct = Account()
deposit(acct, 10)
alias = acct
alias.balance *= 2
try:
    deposit(acct, None)
except TypeError:
    acct.balance = -1
for _ in spend(acct):
    pass
print(acct.balance)
