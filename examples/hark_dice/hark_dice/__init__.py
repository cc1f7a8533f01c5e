"""Dice and coins for Hark: a complete third-party skill plugin."""
