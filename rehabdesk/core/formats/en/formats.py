"""The one way Rehabdesk writes a time of day: "9:00 AM", "2:30 PM".

Ontario clinics and their patients read the 12-hour clock. Django's own en-CA formats
say "2:30 p.m." and "noon"; every page, e-mail and message here says "2:30 PM" instead.
Templates write a time with `|time` (never an explicit format) and a date with a time
with `|when:"<date format>"` (rehabdesk.core.templatetags.clock, a builtin);
Python writes one with rehabdesk.core.clock. rehabdesk/core/tests/test_clock.py checks
that no template or message uses another time format.
"""

TIME_FORMAT = "g:i A"  # 9:00 AM
DATETIME_FORMAT = "l, F j, Y, g:i A"  # Wednesday, March 10, 2027, 9:00 AM
SHORT_DATETIME_FORMAT = "M j, Y, g:i A"  # Mar 10, 2027, 9:00 AM
