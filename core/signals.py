"""Signals core sends for the apps above it to hear (core imports none of them)."""

from django.dispatch import Signal

# Something happened to a user's own account that the user must be told of: `user`
# (the account's owner) and `kind`, one of "two_factor_disabled" and "lockout"
# (notifications.kinds.Kind). Sent inside the transaction of the event.
account_alert = Signal()
