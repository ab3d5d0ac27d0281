"""Distances between children and places, per authority (straight line or road).

===========  ==============================================================
validate     the one input check of the measures below
radius       sufficiency radius: how far to reach for enough places
catchment    two-step floating catchment (2SFCA): places per child within reach
allocation   optimal allocation: the best achievable share within 20 miles
access       the three measures above joined onto a year's measures
scenarios    open or close places, and what changes
matrix       the authority-to-authority distance matrix
placements   a commissioner's placements list: where each end is, how far
===========  ==============================================================
"""
