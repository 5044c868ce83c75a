"""What lives on disk beside the engine: generations, the side store, the entities table."""
