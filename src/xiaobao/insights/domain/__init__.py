"""Pure rules of the insights: the words of a complaint, grouping by TF-IDF, the fairness tests (CMP-S1, INC-4)."""
