export { freePortPair } from '@cairn/testkit';
