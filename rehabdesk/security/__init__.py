"""Second factors for staff and the end of sessions: who must give one, enrolling an
authenticator app, passkeys and recovery codes, checking a code, a manager's reset of a
colleague's factors and "sign out everywhere". Every change is audited. Not an app:
the devices are django-otp's models, the session counter is accounts.User's."""
