"""vpclint's rules, one module each, grouped by area; installed as `vpclint.rules`."""
