"""Live metric tiles: specs, sources, conditions, the poller and the demo service. No Textual here."""

# Said wherever a layout places the tiles area but declares no tiles (the screen, the CLI).
NO_TILES = ("This layout declares no metric tiles. To watch live metrics, add a 'tiles:' list to the "
            "layout — each tile has a name, a source (json, prometheus, promql or http), a url and a "
            "threshold; layouts/demo.yaml has one of each. `warroom probe LAYOUT` tries them once.")
