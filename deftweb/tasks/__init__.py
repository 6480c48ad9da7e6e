"""Tasks: task definition, JEDI parameters, the hand-off to JEDI and its status sync, task
actions, meta-task pictures and GraphML, and their pages, API and command."""
