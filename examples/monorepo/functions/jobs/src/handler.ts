export const handler = async () => ({ ran: new Date(0).toISOString() });
