"""Hark's runtime: audio, speech-to-text, planner, executor, text-to-speech and the CLI."""
