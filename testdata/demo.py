"""rrpy's demo: a program whose bug shows up once in a while.

It deals cards from the operating system's randomness and stamps the
time; one run in three or so it "fails". Record it until it fails, then
replay the recording: the same cards, the same times, the same failure.
"""
import os
import random
import time

deck = [f"{rank}{suit}" for suit in "SHDC" for rank in "A23456789TJQK"]
random.shuffle(deck)
hand = deck[:5]
print("dealt at", time.strftime("%H:%M:%S"), f"{time.time():.6f}")
print("hand", " ".join(hand), "pid", os.getpid())
aces = sum(card.startswith("A") for card in hand)
high = sum(card[0] in "TJQKA" for card in hand)
if high >= 3 or aces >= 1:
    print("bug: the hand is too strong, the house loses")
    raise SystemExit(1)
print("ok")
