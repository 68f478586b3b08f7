"""Item pipelines of thcrawl, one concern each (installed as thcrawl.pipelines)."""
