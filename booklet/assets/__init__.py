"""Files made from the engine's and the manuscript's files, kept in the disk cache (`store`):
font instances and subsets, images sized and encoded for each medium."""
