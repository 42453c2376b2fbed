"""Pure text work: normalisation, segmentation, the keyword rules engine, similarity, evaluation."""
