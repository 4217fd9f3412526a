// Indexing ops (gather, scatter, indexSelect, take, maskedSelect, oneHot, ...).
export {};
