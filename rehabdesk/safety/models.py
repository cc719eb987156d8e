"""Safety alerts that follow a patient, and the red-flag reviews practitioners decide."""
