from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "rehabdesk.exercises"
    label = "exercises"
    verbose_name = "Home exercise programs"
