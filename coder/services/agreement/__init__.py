"""Agreement between coders on a project, and rounds of coding."""
