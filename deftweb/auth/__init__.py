"""Who you are (sign-in, sessions) and what you may do (policy)."""
