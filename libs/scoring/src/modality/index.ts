export * from './input-modality';
export * from './modal-typing-profile';
