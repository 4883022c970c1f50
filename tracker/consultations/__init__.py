"""Resident consultations (征询 / 业主表决): rolls, ballots, counting and the rules that decide them."""
