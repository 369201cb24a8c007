"""Identity resolution benchmark: generated contacts with known truth, imported and scored."""
