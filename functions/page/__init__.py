"""The booking page's presentation: templates, Danish and English catalogs, its own stylesheet
and scripts (imported only by the page's route group)."""
