module.exports = { testEnvironment: "node", testMatch: ["**/jest/*.test.cjs"], transform: {} };
