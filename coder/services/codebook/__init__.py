"""The codebook: codes, editing, merging codes into themes, aligning two coders' codes."""
