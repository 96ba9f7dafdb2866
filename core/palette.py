"""The colours of every chart of Abitare, in one place.

Okabe–Ito colours: told apart by people with the common colour-vision deficiencies.
Charts never rely on colour alone: each has its data in a table beside it, and lines
also differ by their dash.
"""

BLUE = "#0072B2"
VERMILION = "#D55E00"
GREEN = "#009E73"
PURPLE = "#CC79A7"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"

# The order in which a chart gives its series their colours.
SERIES = (BLUE, VERMILION, GREEN, PURPLE, ORANGE, SKY_BLUE)
