"""The main script dies of an uncaught KeyError two calls deep."""
import json

STOCK = {"sku-1": 3, "sku-2": 0}


def reserve(order):
    for item in order["items"]:
        take(item)


def take(sku):
    left = STOCK[sku]
    STOCK[sku] = left - 1


orders = [{"items": ["sku-1", "sku-2"]}, {"items": ["sku-1", "sku-17"]}]
for o in orders:
    reserve(o)
print("done")
