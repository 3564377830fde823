"""What Stemlink and the reference marketplace share as Django projects: the command line.

The two applications are separate projects (neither imports the other); this package imports
neither. See `projectkit.cli`.
"""
