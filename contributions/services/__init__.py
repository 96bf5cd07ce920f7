"""Writes. Every change of a contribution's state goes through a function in this package.

Each public function takes keyword-only arguments, runs in one transaction on a locked row, writes
one audit event, and schedules its side effects to run after commit.
"""
