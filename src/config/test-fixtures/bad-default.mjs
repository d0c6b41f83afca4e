export default [{ name: 'fake' }]
