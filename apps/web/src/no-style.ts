// What a stylesheet import is in Jest (jest.config.js maps `*.css` here): nothing.
export {};
