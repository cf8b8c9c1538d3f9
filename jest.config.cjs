// The front end's jest setup lives in .config/ (create-plugin layout); extend it here if needed.
module.exports = require('./.config/jest/jest.config.cjs');
